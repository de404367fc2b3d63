"""Dataset tables: the fits of every job joined and the value each criterion picks
(:mod:`.selection`), the leaderboard (:mod:`.leaderboard`) with its intervals and tests
(:mod:`.uncertainty`)."""
