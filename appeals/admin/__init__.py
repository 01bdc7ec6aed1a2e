"""The admin's area: the deadline policies and the working-day calendar."""
