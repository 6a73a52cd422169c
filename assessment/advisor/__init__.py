"""The advisor workspace: accounts, login, dashboard, review, statistics and exports."""
