# Offshoring: volume that leaves onshore centres while it grows at offshore sites, and the
# contracts and tenders that open the door to it (services/rules/offshoring.py). Countries are
# ISO 3166-1 codes (FR, MA, TN).

## Volume shifted, or drifting slowly, offshore (offshoring_shift, offshoring_drift)

# A window of ISO weeks compared with another.
offshoring-window = { $weeks ->
        [one] { $last }
       *[other] { $first } to { $last }
    }
# The default onshore set.
offshoring-onshore-france = France, overseas departments included
offshoring-movement-summary = { $key }: onshore volume down { $fall_percent }% while offshore volume rose by { $rise } { $rise ->
        [one] contact
       *[other] contacts
    } ({ $countries }), { $after } against { $before }.
offshoring-shift-explanation = Over { $after }, { $key } handled { $onshore_after } contacts onshore ({ $where }) against { $onshore_before } over { $before }, { $fall } fewer ({ $fall_percent }%), while its offshore sites handled { $offshore_after } against { $offshore_before }, { $rise } more ({ $countries }): volume leaving onshore centres for offshore sites. The committee's thresholds: an onshore fall of at least { $min_shift }% and an offshore rise of at least { $ratio } times it.
offshoring-drift-explanation = Over { $after }, { $key } handled { $onshore_after } contacts onshore ({ $where }) against { $onshore_before } over { $before }, { $fall } fewer ({ $fall_percent }%), while its offshore sites handled { $offshore_after } against { $offshore_before }, { $rise } more ({ $countries }): volume leaving onshore centres for offshore sites, a slow drift over { $span } weeks. The committee's thresholds: an onshore fall of at least { $min_shift }% and an offshore rise of at least { $ratio } times it.
# The alert of an onshore centre whose volume is leaving; $finding is the finding's summary.
offshoring-alert-summary = Offshoring: { $finding }

## An amendment that opens offshore sites (offshore_amendment)

offshoring-amendment-summary = Contract { $contract }: an amendment adds offshore site countries { $countries }.
offshoring-amendment-explanation = An amendment of contract { $contract } adds sites in { $countries }, outside the onshore countries ({ $onshore }): work that can move offshore, where the label's commitments do not reach it.
offshoring-amendment-moving-explanation = An amendment of contract { $contract } adds sites in { $countries }, outside the onshore countries ({ $onshore }), and drops its sites in { $dropped }: work that can move offshore, where the label's commitments do not reach it.

## A perennial tender open to offshore sites (offshore_allowed_perennial)

offshoring-perennial-summary = Perennial tender { $tender } allows offshore sites ({ $countries }).
offshoring-perennial-explanation = Perennial tender { $tender } allows sites in { $countries }, outside the onshore countries ({ $onshore }): the perennial work the label asks to prefer labelled centres for may go offshore, where the label does not reach.
offshoring-perennial-any-summary = Perennial tender { $tender } allows offshore sites (any country).
offshoring-perennial-any-explanation = Perennial tender { $tender } allows sites in any country, outside the onshore countries ({ $onshore }): the perennial work the label asks to prefer labelled centres for may go offshore, where the label does not reach.

## Citation

reference-offshoring-committee = Label committee's offshoring rule, its parameters set by the committee (the label's text has no offshoring clause); Label Responsabilité Sociale, 1st and 2nd commitments of ordering parties (sources/004 §3): preference for labelled centres on perennial work, no purchasing practices that do not reflect social responsibility
