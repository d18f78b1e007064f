# Les préavis d'évolution de charge et les alertes des centres : le délai de prévenance
# (services/rules/lead_time.py), le préavis de rupture d'une relation commerciale
# (services/rules/termination.py), les alertes (services/notices).

## Les évolutions de charge

change-cut = une baisse de charge de { $percent } %
change-rise = une hausse de charge de { $percent } %
change-none = une variation de charge de 0 %
change-termination = la résiliation du contrat

## Le délai de prévenance (3e engagement des donneurs d'ordre)

lead-time-calendar-days = { $count ->
    [one] { $count } jour calendaire
   *[other] { $count } jours calendaires
}
lead-time-business-days = { $count ->
    [one] { $count } jour ouvré
   *[other] { $count } jours ouvrés
}
lead-time-calendar-months = { $count } mois

lead-time-reference = Label Responsabilité Sociale, 3e engagement des donneurs d'ordre (sources/004, § 3) : délais minimums de prévenance pour les demandes d'évolution de charge, convenus entre le donneur d'ordre et le centre labellisé
lead-time-agent-schedule-reference = Code du travail, art. L3123-11 et L3123-31 (préavis de { $working_days } jours ouvrés pour modifier la répartition des horaires d'un salarié à temps partiel) et art. L3123-24 (au moins { $agreement_min_working_days } jours ouvrés par accord collectif)

# $change, $required, $band, $by, $outcome et $counting sont des phrases du catalogue ci-dessous.
lead-time-explanation = Notifiée le { $notified_on } pour prendre effet le { $effective_date }, { $change } exigeait un préavis de { $required } ({ $band }), { $by }. { $outcome } { $counting }
lead-time-by = soit une notification au plus tard le { $deadline }
lead-time-by-none = délai qu'aucune date de notification ne pouvait respecter
lead-time-complies = Préavis de { $given } : le délai est respecté.
lead-time-short-in-days = Préavis de { $given } au lieu de { $required } { $required ->
    [one] exigé
   *[other] exigés
}, soit { $shortfall } { $shortfall ->
    [one] jour
   *[other] jours
} de moins.
lead-time-short = Préavis de { $given } au lieu de { $required } { $required ->
    [one] exigé
   *[other] exigés
}, soit { $shortfall } de moins ({ $late_days } { $late_days ->
    [one] jour
   *[other] jours
} de retard).

# Le décompte du délai (services/rules/lead_time.py, Counting).
lead-time-counting-legal = Le jour de la notification ne compte pas et le délai doit être entièrement écoulé la veille de la prise d'effet (Code de procédure civile, art. 641 et 642, alinéa 1er).
lead-time-counting-notice-day-counts = Selon le décompte convenu, le jour de la notification compte, celui de la prise d'effet non.

lead-time-band-any = toute variation et résiliation
lead-time-band-above = variations de plus de { $percent } % et résiliation
lead-time-band-up-to = variations jusqu'à { $percent } %
lead-time-band-largest = variations jusqu'à { $percent } %, la tranche la plus large d'un barème qui ne va pas au-delà
lead-time-band-termination = variations jusqu'à { $percent } %, la tranche la plus large, appliquée à la résiliation

# Un contrat sans barème : le barème par défaut du comité (DEFAULT_SCHEDULE) s'applique.
# $explanation est l'explication du verdict (lead-time-explanation).
lead-time-default-schedule = Le 3e engagement des donneurs d'ordre vaut pour toute évolution de charge : faute de barème de délais de prévenance au contrat, le barème par défaut du comité du label s'applique ({ $schedule }). { $explanation }
# Un barème en une phrase : la liste de ses tranches.
lead-time-schedule = { $bands }
lead-time-schedule-band-up-to = { $lead } jusqu'à { $percent } %
lead-time-schedule-band-above = { $lead } au-delà, résiliation comprise
lead-time-schedule-band-any = { $lead } pour toute variation, résiliation comprise
lead-time-no-change = Une variation de charge de 0 % laisse la charge inchangée : aucun préavis n'est nécessaire.

# Un barème refusé, tranche par tranche (« champ : motif »).
lead-time-error-open-band-not-last = seule la dernière tranche peut être sans limite (variations plus larges et résiliation)
lead-time-error-bound-not-positive = doit être un nombre supérieur à 0
lead-time-error-bound-not-increasing = doit dépasser les { $previous } % de la tranche précédente : les tranches vont par taille de variation croissante
lead-time-error-lead-time-below-1 = doit être d'au moins 1
lead-time-error-unknown-unit = doit être en jours calendaires, en jours ouvrés ou en mois

## L'aperçu d'une évolution de charge (PreviewWorkloadChange)

# Le nom d'un jour férié, tel que le donne la bibliothèque holidays.
lead-time-public-holiday-name = { $fr }
lead-time-public-holiday-unnamed = jour férié
lead-time-public-holiday = { $name } ({ $date })
# Les phrases s'enchaînent : $next est la suite de l'explication.
lead-time-preview = Notifiée le { $notified_on }, { $change } exige un préavis de { $required } ({ $band }) : elle peut prendre effet au plus tôt le { $earliest }. { $next }
lead-time-preview-desired-complies = La date d'effet souhaitée, le { $desired }, respecte ce délai. { $next }
lead-time-preview-desired-short = La date d'effet souhaitée, le { $desired }, ne respecte pas ce délai : elle précède de { $days } { $days ->
    [one] jour
   *[other] jours
} la date au plus tôt. { $next }
lead-time-preview-counted = La période compte { $business_days } { $business_days ->
    [one] jour ouvré
   *[other] jours ouvrés
}. { $next }
lead-time-preview-counted-holidays = La période compte { $business_days } { $business_days ->
    [one] jour ouvré
   *[other] jours ouvrés
}, jours fériés exclus : { $holidays }. { $next }
lead-time-preview-floor-met = Ce délai laisse aux conseillers à temps partiel les { $floor } jours ouvrés de prévenance que prévoit le Code du travail (art. L3123-31) avant toute modification de la répartition de leurs horaires. { $next }
lead-time-preview-floor-binds = Les conseillers à temps partiel devant être prévenus { $floor } jours ouvrés avant toute modification de la répartition de leurs horaires (Code du travail, art. L3123-31), la modification ne devrait pas prendre effet avant le { $floor_date }. { $next }

## Le préavis de rupture d'une relation commerciale établie

notice-termination-reference = Code de commerce, art. L442-1 II (rupture brutale d'une relation commerciale établie)
notice-termination-explanation = Rompre une relation commerciale établie depuis le { $since }, soit { $length } au jour de la notification ({ $notified_on }), avec un préavis écrit de { $given } mois, inférieur à { $per_year } mois par année de relation qu'attend la jurisprudence (sans jamais dépasser { $cap } mois), engage la responsabilité de l'auteur de la rupture.
notice-partial-termination-explanation = Réduire de { NUMBER($cut, maximumFractionDigits: 2) } % le volume confié (au moins { $threshold } % : une rupture partielle) à compter du { $effective }, dans une relation commerciale établie depuis le { $since }, soit { $length } au jour de la notification ({ $notified_on }), avec un préavis écrit de { $given } mois, inférieur à { $per_year } mois par année de relation qu'attend la jurisprudence (sans jamais dépasser { $cap } mois), engage la responsabilité de son auteur, même si la relation se poursuit.
notice-termination-length-under-a-month = moins d'un mois
notice-termination-length-months = { $months } mois
notice-termination-length-years = { $years ->
    [one] { $years } an
   *[other] { $years } ans
}
notice-termination-length-years-months = { $years ->
    [one] { $years } an
   *[other] { $years } ans
} et { $months } mois
notice-termination-error-before-notice = ne peut précéder le jour où la résiliation est notifiée, le { $notified_on }
notice-termination-error-before-start = ne peut précéder le début de la relation commerciale, le { $start }

## Le constat d'un préavis non respecté

notice-breach-summary = Préavis de { $given } pour { $change } au lieu des { $required } { $required ->
    [one] exigé
   *[other] exigés
} ({ $late_days } { $late_days ->
    [one] jour
   *[other] jours
} de retard)

## Les alertes des centres

alert-notice-received = Préavis reçu : { $change } à compter du { $effective_date } (motif : { $reason })
alert-notice-breach = Préavis non respecté : { $change } à compter du { $effective_date }, notifiée avec un préavis de { $given } au lieu des { $required } { $required ->
    [one] exigé
   *[other] exigés
} ({ $late_days } { $late_days ->
    [one] jour
   *[other] jours
} de retard)
alert-label-status = { $status ->
    [granted] Votre label est désormais accordé
    [suspended] Votre label est désormais suspendu
    [withdrawn] Votre label est désormais retiré
    [expired] Votre label a expiré
    [none] Votre centre n'a désormais plus de label
   *[other] Le statut de votre label a changé
}
alert-label-status-reason = { $label } : { $reason }

# Une alerte sur une ligne, dans la ligne de commande.
alert-line = alerte n° { $cursor } { $centre } { $kind ->
    [notice_received] préavis reçu
    [notice_breach] préavis non respecté
    [label_status] statut du label
    [offshoring] délocalisation
   *[other] autre
} : { $summary }

## La démonstration (services/cli/demo.py)

alert-demo-stream-opened = { $centre } ouvre son flux d'alertes
notice-demo-cut = La banque réduit le volume de { $percent } % avec { $days } jours de préavis ; le contrat en exige { $months } mois
notice-verdict-complies = verdict : délai respecté — { $explanation }
notice-verdict-breach = verdict : PRÉAVIS NON RESPECTÉ — { $explanation }
