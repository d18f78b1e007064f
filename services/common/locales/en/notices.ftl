# Workload-change notices and the centres' alerts: the lead time (services/rules/lead_time.py),
# the notice for ending a commercial relationship (services/rules/termination.py), the alerts
# (services/notices).

## Workload changes

change-cut = a { $percent }% cut in workload
change-rise = a { $percent }% rise in workload
change-none = a change of 0% in workload
change-termination = the termination of the contract

## Lead time (3rd commitment of ordering parties)

lead-time-calendar-days = { $count ->
    [one] { $count } calendar day
   *[other] { $count } calendar days
}
lead-time-business-days = { $count ->
    [one] { $count } business day
   *[other] { $count } business days
}
lead-time-calendar-months = { $count ->
    [one] { $count } calendar month
   *[other] { $count } calendar months
}

lead-time-reference = Label Responsabilité Sociale, 3rd commitment of ordering parties (sources/004 §3): minimum notice periods for workload changes, agreed between the ordering party and the labelled centre
lead-time-agent-schedule-reference = Code du travail L3123-11, L3123-31 ({ $working_days } working days' notice of a part-time schedule change) and L3123-24 (no less than { $agreement_min_working_days } by collective agreement)

# $change, $required, $band, $by, $outcome and $counting are phrases of the catalogue below.
lead-time-explanation = Notified on { $notified_on } to take effect on { $effective_date }, { $change } needed { $required } of notice ({ $band }), { $by }; { $outcome } { $counting }
lead-time-by = so notice by { $deadline }
lead-time-by-none = so no notice date could do
lead-time-complies = { $given } { $actual ->
    [one] was
   *[other] were
} given, which complies.
lead-time-short-in-days = { $given } { $actual ->
    [one] was
   *[other] were
} given: { $shortfall ->
    [one] { $shortfall } calendar day
   *[other] { $shortfall } calendar days
} short.
lead-time-short = { $given } { $actual ->
    [one] was
   *[other] were
} given: { $shortfall } short ({ $late_days ->
    [one] { $late_days } day
   *[other] { $late_days } days
} late).

# How the lead time is counted (services/rules/lead_time.py, Counting).
lead-time-counting-legal = The day of the notice does not count, and the period must have run in full by the day before the change takes effect (Code de procédure civile, art. 641 and 642, first paragraph).
lead-time-counting-notice-day-counts = As agreed, the day of the notice counts and the day the change takes effect does not.

lead-time-band-any = any change and termination
lead-time-band-above = changes above { $percent }% and termination
lead-time-band-up-to = changes up to { $percent }%
lead-time-band-largest = changes up to { $percent }%, the largest band of a schedule that does not go further
lead-time-band-termination = changes up to { $percent }%, the largest band, applied to termination

# A contract without a schedule: the committee's default one (DEFAULT_SCHEDULE) applies.
lead-time-default-schedule = The 3rd commitment covers every workload change: the contract has no notice schedule, so the label committee's default schedule applies ({ $schedule }). { $explanation }
lead-time-schedule = { $bands }
lead-time-schedule-band-up-to = { $lead } up to { $percent }%
lead-time-schedule-band-above = { $lead } beyond, termination included
lead-time-schedule-band-any = { $lead } for any change, termination included
lead-time-no-change = A change of 0% leaves the workload as it is and needs no notice.

# A schedule refused, band by band ("field: reason").
lead-time-error-open-band-not-last = only the last band may be open-ended (larger changes and termination)
lead-time-error-bound-not-positive = must be a number above 0
lead-time-error-bound-not-increasing = must be greater than the previous band's { $previous }%: bands go in increasing order of change size
lead-time-error-lead-time-below-1 = must be at least 1
lead-time-error-unknown-unit = must be calendar days, business days or calendar months

## The preview of a workload change (PreviewWorkloadChange)

# A public holiday's name, as the holidays library gives it.
lead-time-public-holiday-name = { $en }
lead-time-public-holiday-unnamed = public holiday
lead-time-public-holiday = { $name } ({ $date })
# The sentences chain: $next is the rest of the explanation.
lead-time-preview = Notified on { $notified_on }, { $change } needs { $required } of notice ({ $band }): it may take effect on { $earliest } at the earliest. { $next }
lead-time-preview-desired-complies = The desired date, { $desired }, complies. { $next }
lead-time-preview-desired-short = The desired date, { $desired }, does not comply: it is { $days ->
    [one] { $days } day
   *[other] { $days } days
} before the earliest date. { $next }
lead-time-preview-counted = The period holds { $business_days ->
    [one] { $business_days } business day
   *[other] { $business_days } business days
}. { $next }
lead-time-preview-counted-holidays = The period holds { $business_days ->
    [one] { $business_days } business day
   *[other] { $business_days } business days
}, public holidays excluded: { $holidays }. { $next }
lead-time-preview-floor-met = It leaves part-time agents the { $floor } working days' notice the Code du travail (art. L3123-31) requires before the spread of their hours changes. { $next }
lead-time-preview-floor-binds = Part-time agents must be told { $floor } working days before the spread of their hours changes (Code du travail, art. L3123-31), so the change should not take effect before { $floor_date }. { $next }

## The notice for ending an established commercial relationship

notice-termination-reference = Code de commerce L442-1 II (sudden termination of an established commercial relationship)
notice-termination-explanation = Ending a commercial relationship established since { $since }, { $length } on the day of notice ({ $notified_on }), with { $given ->
    [one] { $given } month
   *[other] { $given } months
} of written notice, less than the { $per_year ->
    [one] { $per_year } month
   *[other] { $per_year } months
} per year of relationship that case law expects (and never more than { $cap ->
    [one] { $cap } month
   *[other] { $cap } months
}), engages the liability of the party that ends it.
notice-partial-termination-explanation = Cutting the work entrusted by { NUMBER($cut, maximumFractionDigits: 2) } % (at least { $threshold } %: a partial termination) from { $effective }, in an established commercial relationship since { $since }, { $length } on the day of notification ({ $notified_on }), with { $given } months' written notice, less than the { $per_year } months per year of relationship case law expects (never more than { $cap } months), engages the liability of its author, even if the relationship goes on.
notice-termination-length-under-a-month = less than a month
notice-termination-length-months = { $months ->
    [one] { $months } month
   *[other] { $months } months
}
notice-termination-length-years = { $years ->
    [one] { $years } year
   *[other] { $years } years
}
notice-termination-length-years-months = { $years ->
    [one] { $years } year
   *[other] { $years } years
} and { $months ->
    [one] { $months } month
   *[other] { $months } months
}
notice-termination-error-before-notice = must be on or after the day the termination is notified ({ $notified_on })
notice-termination-error-before-start = must be on or after the start of the relationship ({ $start })

## The finding of a notice breach

notice-breach-summary = { $given } of notice for { $change } where the contract asks { $required } ({ $late_days ->
    [one] { $late_days } day
   *[other] { $late_days } days
} short)

## The centres' alerts

alert-notice-received = Workload change notified: { $change } from { $effective_date } ({ $reason })
alert-notice-breach = Notice breach: { $change } from { $effective_date } with { $given } of notice; the contract asks { $required } ({ $late_days ->
    [one] { $late_days } day
   *[other] { $late_days } days
} short)
alert-label-status = Your label is now { $status }
alert-label-status-reason = { $label }: { $reason }

# An alert on one line, in the command line.
alert-line = alert #{ $cursor } { $centre } { $kind }: { $summary }

## The demonstration (services/cli/demo.py)

alert-demo-stream-opened = { $centre } opens its alert stream
notice-demo-cut = The bank cuts the volume by { $percent } % with { $days } days' notice; the contract asks { $months } months
notice-verdict-complies = verdict: complies — { $explanation }
notice-verdict-breach = verdict: BREACH — { $explanation }
