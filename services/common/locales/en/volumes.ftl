# Volumes: the centres' volume reports, workload changes with no notice, forecasts that stay
# off, and the episodes that group them.

## Unannounced workload change (services/rules/workload.py, unannounced_change)
## $direction: rise, cut, or unplanned (contacts where nothing was planned).

volume-change-summary = { $direction ->
        [unplanned] Contract { $contract }, week { $week }: contacts handled where none were planned, with no notice.
        [rise] Contract { $contract }, week { $week }: { $gap }% more contacts than planned, with no notice.
       *[cut] Contract { $contract }, week { $week }: { $gap }% fewer contacts than planned, with no notice.
    }
volume-change-explanation = In the week of { $monday } ({ $week }) contract { $contract } handled { $handled } { $handled ->
        [one] contact
       *[other] contacts
    } against a plan of { $plan } (its baseline adjusted by the notices in force), { $direction ->
        [unplanned] with nothing planned
        [rise] { $gap }% above it
       *[cut] { $gap }% below it
    }, outside the ±{ $tolerance }% tolerance. No notice covers the change, and a change that shows up in the volumes with no notice at all is worse than one notified late.

## Forecasts off the band (workload.py, forecast_accuracy)
## $direction: over or under.

forecast-summary = Contract { $contract }: volumes { $direction ->
        [over] over-forecast
       *[under] under-forecast
    } by more than { $band }% { $weeks ->
        [one] in week { $last }.
       *[other] for { $weeks } weeks running, to { $last }.
    }
forecast-explanation = The ordering party's forecasts for contract { $contract } were { $direction ->
        [over] above
       *[under] below
    } the contacts handled by more than the contract's ±{ $band }% band { $weeks ->
        [one] in week { $last }
       *[other] for { $weeks } weeks running
    }: { $errors }. The centre staffs for the forecast, so a forecast that stays off in one direction changes its workload without notice.
# One week of the run, in forecast-explanation.
forecast-week = { $week } forecast { $forecast } for { $handled } handled ({ $direction ->
        [over] +
       *[under] -
    }{ $error }%)

## Episodes (services/rules/episodes.py): a breach that lasts is one finding.
## $latest is the text of the latest week in breach.

episode-summary = { $weeks ->
        [one] [{ $first }]
       *[other] [{ $first } to { $last }, { $weeks } weeks in breach]
    } { $latest }
episode-explanation = { $latest } This is one episode: it began in { $first }{ $weeks ->
        [one] .
       *[other] {" "}and lasted { $weeks } judged weeks, to { $last }.
    }
# Why an episode the volumes no longer show is withdrawn (services/compliance/weekly.py).

## Volume reports refused (services/rules/volumes.py, services/contracts/volumes.py)

volume-interval-minutes = { $minutes } is not 15 or 30
volume-interval-start = does not start a { $minutes }-minute interval
volume-handled-above-offered = { $handled } handled is more than { $offered } offered
volume-interval-future = starts at { $start }, after now ({ $now }, { $minutes } { $minutes ->
        [one] minute
       *[other] minutes
    } of clock difference allowed)

## Citations

reference-unannounced-change = Label Responsabilité Sociale, 3rd commitment of ordering parties (sources/004 §3): minimum notice periods for workload changes, agreed between the ordering party and the labelled centre; a change that shows up in the volumes with no notice at all is worse than a late one
reference-forecast-accuracy = Label Responsabilité Sociale, 3rd commitment of ordering parties (sources/004 §3): minimum notice periods for workload changes, agreed between the ordering party and the labelled centre; the centre staffs for the ordering party's forecasts, so a forecast that stays off in one direction is an unannounced change in workload; the band is the contract's

## The demo (services/cli/demo.py, services/cli/demo_volumes.py): its second act, the volumes

volume-demo-campaign = The bank also buys a campaign from { $centre }, at its Moroccan site
volume-demo-contract = contract { $contract }: sites { $sites }
volume-demo-report = { $centre } reports nine weeks of volumes: from the fifth, Nantes loses 60 % with no notice while Casablanca grows by as much; the bank's forecasts never change
volume-demo-reported = { $received } intervals received, { $stored } stored
volume-demo-alerted = { $centre }'s French centre is alerted of the shift offshore
volume-demo-scorecard = The committee reads the bank's scorecard, week by week
volume-demo-column = { $column ->
        [week] week
        [contacts] contacts
        [labelled] perennial labelled
        [on-time] notices on time
        [offshore] offshore
       *[open] open findings
    }
volume-demo-percent = { $percent }%
