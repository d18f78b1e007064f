# Purchasing practices (the ordering parties' 2nd commitment), the preference for labelled
# centres (1st commitment) and perennial work disguised as campaigns.

## The sources cited

-purchasing-label-1st = Label Responsabilité Sociale, 1st commitment of ordering parties
-purchasing-label-2nd = Label Responsabilité Sociale, 2nd commitment of ordering parties
-purchasing-label-3rd = Label Responsabilité Sociale, 3rd commitment of ordering parties
-purchasing-rfar = RFAR responsible-purchasing charter and label (ISO 20400)

reference-payment-terms = Code de commerce L441-10 I, paragraphs 2 and 3
reference-payment-terms-periodic = Code de commerce L441-10 I, paragraph 4; Code général des impôts 289 I 3 (periodic invoice)
reference-price-below-floor = { -purchasing-label-2nd }; by analogy Code de la commande publique L2152-5 and L2152-6 (abnormally low offers); labour cost from the SMIC (Code du travail L3231-2 ff.) and the general reduction of employer contributions (Code de la sécurité sociale L241-13)
reference-perennial-purchasing = { -purchasing-label-2nd }; { -purchasing-rfar }
reference-notice-schedule = { -purchasing-label-3rd }: minimum notice periods agreed between the ordering party and the labelled centre; { -purchasing-label-2nd }
reference-label-preference = { -purchasing-label-1st }: preference for labelled centres on perennial activities, without distorting competition
reference-disguised-perennial = { reference-label-preference }; campaigns and punctual needs are excluded from the preference ("hors campagnes et besoins ponctuels"), so campaigns chained into lasting work circumvent it

## Purchasing practices: the value observed and the limit

purchasing-days = { $days ->
        [one] { $days } day
       *[other] { $days } days
    }
purchasing-days-end-of-month = { $days ->
        [one] { $days } day end of month
       *[other] { $days } days end of month
    }
purchasing-days-after-periodic-invoice = { $days ->
        [one] { $days } day after a periodic invoice
       *[other] { $days } days after a periodic invoice
    }
# To the cent, or every digit: a price a fraction of a cent below the floor must not display
# as equal to it.
purchasing-price-per-hour = { NUMBER($price, minimumFractionDigits: 2, maximumFractionDigits: 20) } EUR/h
purchasing-percent = { NUMBER($percent, maximumFractionDigits: 20) }%
# The text that set the SMIC.
purchasing-smic-decree = décret no. { $number } of { $signed }
purchasing-smic-order = arrêté of { $signed }
purchasing-months = { $months ->
        [one] { $months } month
       *[other] { $months } months
    }
purchasing-no-cap = no cap
purchasing-reverse-auction = reverse auction
purchasing-sealed-bid-or-negotiated = sealed bid or negotiated
purchasing-no-volume-commitment = none
purchasing-volume-commitment-above-zero = more than 0% of the forecast volume
purchasing-no-notice-band = no notice band
purchasing-notice-band-minimum = at least 1 notice band

## Purchasing practices: the explanations

purchasing-payment-terms-explanation = Payment terms of { $observed } exceed { $limit }: agreed payment terms may not exceed 60 days from the invoice or 45 days end of month (Code de commerce L441-10), and longer terms make the centre finance its client.
purchasing-payment-terms-periodic-explanation = The invoicing is periodic, and payment terms of { $observed } exceed { $limit }: on a periodic invoice, agreed payment terms may not exceed 45 days after its issue date (Code de commerce L441-10 I, paragraph 4), and longer terms make the centre finance its client.
purchasing-payment-terms-periodic-end-of-month-explanation = The invoicing is periodic, and payment terms of { $observed } can run to { $reach } days after the invoice, depending on the day it is issued, beyond { $limit }: on a periodic invoice, the maximum is 45 days after its issue date, with no end-of-month derogation (Code de commerce L441-10 I, paragraph 4).
purchasing-price-below-floor-explanation = The price of { $observed } is below what an agent paid the minimum wage costs, { $limit }: the gross hourly SMIC of { NUMBER($wage, minimumFractionDigits: 2, maximumFractionDigits: 20) } EUR in force from { $since } ({ $act }), × { NUMBER($coefficient, minimumFractionDigits: 2, maximumFractionDigits: 20) } for the employer contributions still due at the SMIC after the general reduction (Code de la sécurité sociale L241-13), ÷ { NUMBER($share, minimumFractionDigits: 2, maximumFractionDigits: 20) }, the productive share of paid hours (leave, public holidays, breaks and training excluded); both coefficients are the label committee's choices, which no text fixes. A lower price is abnormally low.
purchasing-reverse-auction-explanation = A reverse auction on perennial work puts price above the social conditions the label asks ordering parties to respect.
purchasing-short-contract-explanation = A perennial activity contracted for { $observed }, less than { $limit }, leaves the centre unable to plan hiring and training.
purchasing-penalties-uncapped-explanation = Penalties are not capped, so the centre carries an unbounded risk on the contract where a cap of at most { $limit } of the contract value is expected.
purchasing-penalty-cap-explanation = Penalties are capped at { $observed } of the contract value, above { $limit }: a disproportionate risk for the centre.
purchasing-no-volume-commitment-explanation = Perennial work without a minimum volume commitment leaves the centre carrying the cost of staff hired for volumes that may never come.
purchasing-no-notice-schedule-explanation = Perennial work without agreed minimum notice periods for workload changes leaves the centre no time to adapt its staff's schedules.
purchasing-notice-band-below-agent-floor-explanation = The schedule's band “{ $band }” asks only { $observed } of notice, less than the { $limit } a part-time employee must be given before the spread of their hours changes: a workload change notified that late cannot be absorbed without upsetting the agents' schedules.
purchasing-notice-band-below-agent-floor-calendar-explanation = The schedule's band “{ $band }” asks only { $observed } of notice, as few as { $working_days ->
        [one] { $working_days } working day
       *[other] { $working_days } working days
    } in some weeks, less than the { $limit } a part-time employee must be given before the spread of their hours changes: a workload change notified that late cannot be absorbed without upsetting the agents' schedules.

# A purchasing-practice finding's summary: the rule's title and the figures.
purchasing-practice-summary = { $rule }: { $observed } (limit { $limit })

## Terms that make no sense (refused)

purchasing-end-before-start = must be on or after the start date
purchasing-negative = must not be negative
purchasing-not-finite = must be a finite number
purchasing-payment-terms-none-agreed-with-term = with no payment term agreed, days must be 0 and end_of_month false

## The preference for labelled centres

label-preference-dearer = { NUMBER($gap, minimumFractionDigits: 2, maximumFractionDigits: 20) } EUR/h ({ NUMBER($percent, minimumFractionDigits: 2, maximumFractionDigits: 2) }%) dearer than
# The winning bid was 0.00 EUR/h: no percentage.
label-preference-dearer-unpriced = { NUMBER($gap, minimumFractionDigits: 2, maximumFractionDigits: 20) } EUR/h dearer than
label-preference-cheaper = { NUMBER($gap, minimumFractionDigits: 2, maximumFractionDigits: 20) } EUR/h ({ NUMBER($percent, minimumFractionDigits: 2, maximumFractionDigits: 2) }%) cheaper than
label-preference-same-price = at the same price as
label-preference-explanation = Perennial work went to unlabelled centre { $winner } while labelled centre { $best } bid { $comparison } the winning bid; the label asks for a preference, not an exclusion.
label-preference-summary = Perennial work to unlabelled centre { $winner }; labelled centre { $best } bid { $comparison } the winning bid.

## Perennial work disguised as campaigns

perennial-contracts-campaign = { $count ->
        [one] { $count } campaign contract
       *[other] { $count } campaign contracts
    }
perennial-contracts-punctual = { $count ->
        [one] { $count } punctual contract
       *[other] { $count } punctual contracts
    }
perennial-contracts-mixed = { $count } campaign and punctual contracts
# { purchasing-months } is written with this message's $months.
perennial-duration = { $days ->
        [0] { purchasing-months }
        [one] { purchasing-months } and { $days } day
       *[other] { purchasing-months } and { $days } days
    }
perennial-summary = { $contracts } of { $party } for "{ $scope }" chained from { $start } to { $end }, longer than { $span ->
        [one] { $span } month
       *[other] { $span } months
    }.
perennial-explanation = Ordering party { $party } contracted "{ $scope }" as { $contracts } ({ $ids }) that ran one after the other from { $start } to { $end }, { $duration }, the longest gap between them { $gap ->
        [one] { $gap } day
       *[other] { $gap } days
    }: work chained longer than { $span ->
        [one] { $span } month
       *[other] { $span } months
    } with gaps of at most { $max_gap ->
        [one] { $max_gap } day
       *[other] { $max_gap } days
    } is perennial, and the label asks for a preference for labelled centres on perennial work.
