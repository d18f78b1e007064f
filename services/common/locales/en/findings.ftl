# A finding's lifecycle: what the checks and the monitor write in its history.

finding-raised = Raised by the checks.
finding-raised-revised = Raised by the checks (revised).
finding-raised-again = Raised again: the data supports the finding again.
finding-revised = Revised by the checks: the episode's weeks or figures changed.
finding-withdrawn = The weekly volumes as now reported no longer show this episode ({ $episode }): a correction or a late report changed the figures (event { $event }).
