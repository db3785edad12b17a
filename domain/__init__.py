"""The policy's rules in pure Python: no aiogram, SQLAlchemy, Jinja2 or Babel, and no wall clock."""
