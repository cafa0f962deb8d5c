"""The read-only public JSON API: published statements with the timeline's filters, and what they refer to."""
