# The name of each rule and each finding type.

## The rules (their stable ids, services/rules/findings.py RULE_IDS)

rule-payment-terms = Payment terms
rule-price-below-floor = Price below an agent's minimum cost
rule-reverse-auction-perennial = Reverse auction for perennial work
rule-short-perennial-contract = Contract too short for perennial work
rule-penalties-uncapped = Uncapped penalties
rule-penalty-cap-above-limit = Penalty cap too high
rule-no-volume-commitment = No volume commitment
rule-no-notice-schedule = No notice schedule
rule-notice-band-below-agent-floor = Notice band shorter than the agents' notice floor
rule-short-termination-notice = Termination notice too short
rule-short-partial-termination-notice = Notice too short for a partial termination
rule-label-preference = Unlabelled centre chosen over a labelled bid
rule-notice-breach = Notice period not respected
rule-disguised-perennial = Chained campaigns that are perennial work
rule-unannounced-change = Unannounced volume change
rule-forecast-accuracy = Forecasts persistently wrong
rule-offshoring-shift = Volume moved offshore
rule-offshoring-drift = Slow drift of volume offshore
rule-offshore-amendment = Amendment opening offshore sites
rule-offshore-allowed-perennial = Perennial tender open to offshore sites

## The finding types (vigie.compliance.v1.FindingType)

finding-type-label-preference = Preference for labelled centres
finding-type-disguised-perennial = Disguised perennial work
finding-type-purchasing-practice = Purchasing practice
finding-type-notice-breach = Notice period not respected
finding-type-unannounced-change = Unannounced volume change
finding-type-forecast-accuracy = Volume forecasts
finding-type-offshoring = Offshoring
