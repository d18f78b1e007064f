# Les pratiques d'achat (2e engagement des donneurs d'ordre), la préférence pour les centres
# labellisés (1er engagement) et l'activité pérenne déguisée en campagnes.

## Les sources citées

-purchasing-label-1st = Label Responsabilité Sociale, 1er engagement des donneurs d'ordre
-purchasing-label-2nd = Label Responsabilité Sociale, 2e engagement des donneurs d'ordre
-purchasing-label-3rd = Label Responsabilité Sociale, 3e engagement des donneurs d'ordre
-purchasing-rfar = charte et label Relations fournisseurs et achats responsables (RFAR, norme ISO 20400)

reference-payment-terms = Code de commerce, art. L441-10, I, al. 2 et 3
reference-payment-terms-periodic = Code de commerce, art. L441-10, I, al. 4 ; Code général des impôts, art. 289, I, 3 (facture périodique)
reference-price-below-floor = { -purchasing-label-2nd } ; par analogie, Code de la commande publique, art. L2152-5 et L2152-6 (offres anormalement basses) ; coût du travail établi d'après le SMIC (Code du travail, art. L3231-2 et suivants) et la réduction générale des cotisations patronales (Code de la sécurité sociale, art. L241-13)
reference-perennial-purchasing = { -purchasing-label-2nd } ; { -purchasing-rfar }
reference-notice-schedule = { -purchasing-label-3rd } : délais de prévenance minimaux convenus entre le donneur d'ordre et le centre labellisé ; { -purchasing-label-2nd }
reference-label-preference = { -purchasing-label-1st } : préférence donnée aux centres labellisés pour les activités pérennes, sans distorsion de concurrence
reference-disguised-perennial = { reference-label-preference } ; les campagnes et les besoins ponctuels étant exclus de la préférence (« hors campagnes et besoins ponctuels »), des campagnes enchaînées en une activité durable la contournent

## Les pratiques d'achat : la valeur constatée et la limite

purchasing-days = { $days ->
        [one] { $days } jour
       *[other] { $days } jours
    }
purchasing-days-end-of-month = { $days ->
        [one] { $days } jour fin de mois
       *[other] { $days } jours fin de mois
    }
purchasing-days-after-periodic-invoice = { $days ->
        [one] { $days } jour après l'émission de la facture périodique
       *[other] { $days } jours après l'émission de la facture périodique
    }
# Au centime, ou avec tous ses chiffres : un prix inférieur d'une fraction de centime au
# plancher ne doit pas s'afficher égal à lui.
purchasing-price-per-hour = { NUMBER($price, minimumFractionDigits: 2, maximumFractionDigits: 20) } € par heure productive
purchasing-percent = { NUMBER($percent, maximumFractionDigits: 20) } %
# Le texte qui a fixé le SMIC.
purchasing-smic-decree = décret n° { $number } du { $signed }
purchasing-smic-order = arrêté du { $signed }
purchasing-months = { $months } mois
purchasing-no-cap = aucun plafond
purchasing-reverse-auction = enchère inversée
purchasing-sealed-bid-or-negotiated = appel d'offres sous pli fermé ou procédure négociée
purchasing-no-volume-commitment = aucun engagement
purchasing-volume-commitment-above-zero = plus de 0 % du volume prévu
purchasing-no-notice-band = aucune tranche de délai de prévenance
purchasing-notice-band-minimum = au moins une tranche de délai de prévenance

## Les pratiques d'achat : les explications

purchasing-payment-terms-explanation = Les délais de paiement convenus, { $observed }, dépassent le maximum de { $limit } : le Code de commerce (art. L441-10, I) interdit de convenir de plus de 60 jours après la date d'émission de la facture ou, par dérogation expressément stipulée, de 45 jours fin de mois, et des délais plus longs font financer son client par le centre.
purchasing-payment-terms-periodic-explanation = La facturation étant périodique, les délais de paiement convenus, { $observed }, dépassent le maximum de { $limit } : pour une facture périodique, le Code de commerce (art. L441-10, I, al. 4) interdit de convenir de plus de 45 jours après sa date d'émission, et des délais plus longs font financer son client par le centre.
purchasing-payment-terms-periodic-end-of-month-explanation = La facturation étant périodique, les délais de paiement convenus, { $observed }, peuvent atteindre { $reach } jours après l'émission de la facture selon le jour où elle est émise, au-delà du maximum de { $limit } : pour une facture périodique, le Code de commerce (art. L441-10, I, al. 4) fixe le maximum à 45 jours après sa date d'émission, sans la dérogation « fin de mois ».
purchasing-price-below-floor-explanation = Le prix de { $observed } est inférieur à ce que coûte un conseiller payé au SMIC, { $limit } : le SMIC horaire brut de { NUMBER($wage, minimumFractionDigits: 2, maximumFractionDigits: 20) } € en vigueur depuis le { $since } ({ $act }), multiplié par { NUMBER($coefficient, minimumFractionDigits: 2, maximumFractionDigits: 20) } pour les cotisations patronales encore dues au niveau du SMIC après la réduction générale (Code de la sécurité sociale, art. L241-13), divisé par { NUMBER($share, minimumFractionDigits: 2, maximumFractionDigits: 20) }, la part des heures payées qui sont productives (hors congés, jours fériés, pauses et formation) ; ces deux coefficients sont des choix du comité du label, qu'aucun texte ne fixe. Un prix inférieur à ce coût est anormalement bas.
purchasing-reverse-auction-explanation = Une enchère inversée sur une activité pérenne fait passer le prix avant les conditions sociales que le label demande aux donneurs d'ordre de respecter.
purchasing-short-contract-explanation = Une activité pérenne confiée pour { $observed }, moins de { $limit }, ne permet pas au centre de planifier ses recrutements et ses formations.
purchasing-penalties-uncapped-explanation = Les pénalités ne sont pas plafonnées : le centre porte sur le contrat un risque sans limite, là où un plafond d'au plus { $limit } de la valeur du contrat est attendu.
purchasing-penalty-cap-explanation = Les pénalités sont plafonnées à { $observed } de la valeur du contrat, au-delà de { $limit } : un risque disproportionné pour le centre.
purchasing-no-volume-commitment-explanation = Une activité pérenne sans engagement de volume minimal laisse au centre le coût des conseillers recrutés pour des volumes qui pourraient ne jamais venir.
purchasing-no-notice-schedule-explanation = Une activité pérenne sans délais de prévenance minimaux convenus pour les variations de charge ne laisse pas au centre le temps d'adapter les plannings de ses conseillers.
# $band : les variations que couvre la tranche ; $observed et $limit : des durées.
purchasing-notice-band-below-agent-floor-explanation = La tranche « { $band } » du barème ne prévoit qu'un préavis de { $observed }, en deçà du délai de prévenance de { $limit } dû aux conseillers à temps partiel avant toute modification de la répartition de leurs horaires : une évolution de charge notifiée dans ce délai ne peut être absorbée sans bouleverser leurs plannings.
purchasing-notice-band-below-agent-floor-calendar-explanation = La tranche « { $band } » du barème ne prévoit qu'un préavis de { $observed }, soit certaines semaines { $working_days } { $working_days ->
        [one] jour ouvré
       *[other] jours ouvrés
    } seulement, en deçà du délai de prévenance de { $limit } dû aux conseillers à temps partiel avant toute modification de la répartition de leurs horaires : une évolution de charge notifiée dans ce délai ne peut être absorbée sans bouleverser leurs plannings.

# Le résumé d'un constat de pratique d'achat : le nom de la règle et les valeurs.
purchasing-practice-summary = { $rule } : { $observed } (limite : { $limit })

## Les conditions qui n'ont pas de sens (refusées)

purchasing-end-before-start = La date de fin ne peut pas précéder la date de début.
purchasing-negative = La valeur ne peut pas être négative.
purchasing-not-finite = La valeur doit être un nombre fini.
purchasing-payment-terms-none-agreed-with-term = Aucun délai de paiement n'étant convenu, le nombre de jours doit être 0 et la mention « fin de mois » absente.

## La préférence pour les centres labellisés

label-preference-dearer = plus chère de { NUMBER($gap, minimumFractionDigits: 2, maximumFractionDigits: 20) } € par heure productive ({ NUMBER($percent, maximumFractionDigits: 2) } %)
# L'offre retenue était à 0,00 € : pas de pourcentage.
label-preference-dearer-unpriced = plus chère de { NUMBER($gap, minimumFractionDigits: 2, maximumFractionDigits: 20) } € par heure productive
label-preference-cheaper = moins chère de { NUMBER($gap, minimumFractionDigits: 2, maximumFractionDigits: 20) } € par heure productive ({ NUMBER($percent, maximumFractionDigits: 2) } %)
label-preference-same-price = au même prix
label-preference-explanation = L'activité pérenne a été confiée au centre non labellisé { $winner } alors que le centre labellisé { $best } avait remis une offre { $comparison } que l'offre retenue ; le label demande une préférence, non une exclusion.
label-preference-summary = Activité pérenne confiée au centre non labellisé { $winner } ; l'offre du centre labellisé { $best } était { $comparison }.

## L'activité pérenne déguisée en campagnes

perennial-contracts-campaign = { $count ->
        [one] { $count } contrat de campagne
       *[other] { $count } contrats de campagne
    }
perennial-contracts-punctual = { $count ->
        [one] { $count } contrat ponctuel
       *[other] { $count } contrats ponctuels
    }
perennial-contracts-mixed = { $count } contrats de campagne et ponctuels
perennial-duration = { $days ->
        [0] { $months } mois
        [one] { $months } mois et { $days } jour
       *[other] { $months } mois et { $days } jours
    }
perennial-summary = { $contracts } du donneur d'ordre { $party } pour « { $scope } », enchaînés du { $start } au { $end } : plus { $span ->
        [1] d'un mois
       *[other] de { $span } mois
    }.
perennial-explanation = Le donneur d'ordre { $party } a passé { $contracts } pour « { $scope } » ({ $ids }), qui se sont succédé du { $start } au { $end }, soit { $duration }, { $gap ->
        [0] sans interruption entre eux
        [1] avec au plus un jour d'interruption entre deux contrats
       *[other] avec au plus { $gap } jours d'interruption entre deux contrats
    } : un travail enchaîné sur plus { $span ->
        [1] d'un mois
       *[other] de { $span } mois
    } { $max_gap ->
        [0] sans interruption
        [1] avec des interruptions d'au plus un jour
       *[other] avec des interruptions d'au plus { $max_gap } jours
    } relève d'une activité pérenne, et le label demande de donner la préférence aux centres labellisés pour les activités pérennes.
