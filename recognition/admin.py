"""The recognition admin: criteria sets (edited as checked data), applications, registers."""
