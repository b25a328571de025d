"""The recognition app's admin: criteria sets (edited as checked data), applications and registers."""
