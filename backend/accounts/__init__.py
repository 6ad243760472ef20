"""Accounts: users, roles, sessions, API tokens, login throttling (账户、角色、会话与令牌)."""
