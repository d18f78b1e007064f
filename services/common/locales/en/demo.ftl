# The demo (services/cli/demo.py) and the command line's lines.

demo-referential-published = The committee publishes a version of the label referential (four areas)
demo-referential-version = referential v{ $version }: { $title }
demo-labelled-registers = { $centre } registers itself: an outsourcer with sites in France and Morocco
demo-audit-recorded = An audit is recorded against that referential; each area is scored
demo-audit-area = { $area }: { $score }/{ $max } (threshold { $threshold } %) { $passed ->
    [yes] passed
   *[no] failed
}
demo-label-granted = The committee grants the label for three years
demo-label-read = An ordering party reads the label status, but may not read the audit
demo-label-status = label status: { $status }
demo-audit-refused = GetAudit as an ordering party: { $code }: { $details }
demo-label-suspended = A complaint: the committee suspends the label, with a deadline to remedy
demo-label-reinstated = The centre remedies; the committee reinstates the label
demo-unlabelled-registers = { $centre }, an outsourcer without the label, registers too
demo-tender = { $party } registers a perennial tender: 75-day payment terms, reverse auction (the renewal of work running since ten weeks ago)
demo-bids = Both centres bid: the labelled one 4 % dearer
demo-bid-price = { $centre }: { NUMBER($price, minimumFractionDigits: 2) } EUR per productive hour
demo-award = The bank awards the tender to the cheaper, unlabelled centre
demo-contract-signed = contract { $contract } signed with { $centre }
demo-committee-watches = The committee watches the findings about { $party }
demo-findings-reach = The streaming checks' findings reach the committee's stream
demo-findings-count = { $count } findings (expected { $expected })
demo-events-wait = Waiting for every event to arrive on Kafka
demo-events-count = { $count } events seen for this story (expected { $expected }).
demo-unexpected = unexpected { $code }: { $details }

# A finding on one line, at the command line.
finding-line = finding [{ $severity }, { $state }] { $party } { $rule }: { $summary }
