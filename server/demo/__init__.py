"""Demo data: 上杭县 with townships, villages, teams, shelters and the contract's accounts."""
