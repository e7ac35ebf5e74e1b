"""Directives: publish to chosen schools, read and acknowledge, track school by school."""
