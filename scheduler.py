"""Run ccgwatch on a timetable."""
