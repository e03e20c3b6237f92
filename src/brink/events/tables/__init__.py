"""Coding tables shipped with brink (see NOTICE.txt for their origins and licences)."""
