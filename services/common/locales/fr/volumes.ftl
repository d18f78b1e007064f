# Les volumes : les déclarations de volumes des centres, les variations de charge sans
# préavis, les prévisions durablement erronées, et les épisodes qui les regroupent.

## Variation de volume sans préavis (services/rules/workload.py, unannounced_change)
## $direction : rise (hausse), cut (baisse) ou unplanned (des contacts sans volume prévu).

volume-change-summary = { $direction ->
        [unplanned] Contrat { $contract }, semaine { $week } : des contacts traités alors qu'aucun volume n'était prévu, sans préavis.
        [rise] Contrat { $contract }, semaine { $week } : volume traité supérieur de { $gap } % au volume prévu, sans préavis.
       *[cut] Contrat { $contract }, semaine { $week } : volume traité inférieur de { $gap } % au volume prévu, sans préavis.
    }
volume-change-explanation = Au cours de la semaine du { $monday } ({ $week }), le contrat { $contract } a traité { $handled } { $handled ->
        [one] contact
       *[other] contacts
    } { $direction ->
        [unplanned] alors qu'aucun volume n'était prévu (son volume de référence, ajusté des préavis en vigueur, est nul)
        [rise] pour un volume prévu de { $plan } (son volume de référence ajusté des préavis en vigueur), soit { $gap } % de plus
       *[cut] pour un volume prévu de { $plan } (son volume de référence ajusté des préavis en vigueur), soit { $gap } % de moins
    }, au-delà de la tolérance de ±{ $tolerance } %. Aucun préavis ne couvre cette variation ; or une variation qui apparaît dans les volumes sans aucun préavis est plus grave qu'une variation notifiée en retard.

## Prévisions durablement erronées (workload.py, forecast_accuracy)
## $direction : over (prévisions au-dessus du volume traité) ou under (en dessous).

forecast-summary = Contrat { $contract } : { $weeks ->
        [one] prévision { $direction ->
            [over] supérieure
           *[under] inférieure
        } de plus de { $band } % au volume traité la semaine { $last }.
       *[other] prévisions { $direction ->
            [over] supérieures
           *[under] inférieures
        } de plus de { $band } % aux volumes traités, { $weeks } semaines de suite jusqu'à la semaine { $last }.
    }
forecast-explanation = Les prévisions du donneur d'ordre pour le contrat { $contract } ont été { $direction ->
        [over] supérieures
       *[under] inférieures
    } aux contacts traités, au-delà de la marge de ±{ $band } % prévue au contrat, { $weeks ->
        [one] la semaine { $last }
       *[other] { $weeks } semaines de suite
    } : { $errors }. Le centre dimensionne ses équipes sur les prévisions : des prévisions qui s'écartent durablement dans le même sens modifient sa charge sans préavis.
# Une semaine de la série, dans forecast-explanation.
forecast-week = { $forecast } { $forecast ->
        [one] contact prévu
       *[other] contacts prévus
    } pour { $handled } { $handled ->
        [one] traité
       *[other] traités
    } en { $week } ({ $direction ->
        [over] +
       *[under] −
    }{ $error } %)

## Les épisodes (services/rules/episodes.py) : une variation qui dure est un seul constat.
## $latest est le texte de la dernière semaine en manquement.

episode-summary = { $weeks ->
        [one] [{ $first }]
       *[other] [de { $first } à { $last }, { $weeks } semaines en manquement]
    } { $latest }
episode-explanation = { $latest } Il s'agit d'un seul épisode, commencé la semaine { $first }{ $weeks ->
        [one] .
       *[other] , qui a duré { $weeks } semaines examinées, jusqu'à la semaine { $last }.
    }
# Le motif du retrait d'un épisode que les volumes ne montrent plus (services/compliance/weekly.py).

## Les déclarations de volumes refusées (services/rules/volumes.py, services/contracts/volumes.py)

volume-interval-minutes = { $minutes } { $minutes ->
        [one] minute
       *[other] minutes
    } au lieu de 15 ou 30
volume-interval-start = ne correspond pas au début d'un intervalle de { $minutes } minutes
volume-handled-above-offered = { $handled } { $handled ->
        [one] contact traité
       *[other] contacts traités
    }, soit plus que les { $offered } présentés
volume-interval-future = commence à { $start }, après l'heure actuelle ({ $now }, { $minutes ->
        [one] une minute d'écart d'horloge tolérée
       *[other] { $minutes } minutes d'écart d'horloge tolérées
    })

## Les citations

reference-unannounced-change = Label Responsabilité Sociale, 3e engagement des donneurs d'ordre : délais minimums de prévenance convenus entre le donneur d'ordre et le centre labellisé pour les évolutions de charge ; une variation qui apparaît dans les volumes sans aucun préavis est plus grave qu'un préavis tardif.
reference-forecast-accuracy = Label Responsabilité Sociale, 3e engagement des donneurs d'ordre : délais minimums de prévenance convenus entre le donneur d'ordre et le centre labellisé pour les évolutions de charge ; le centre dimensionne ses équipes sur les prévisions du donneur d'ordre, si bien que des prévisions qui s'écartent durablement dans le même sens sont une évolution de charge non annoncée ; la marge est celle du contrat.

## La démonstration (services/cli/demo.py, services/cli/demo_volumes.py) : le deuxième acte, les volumes

volume-demo-campaign = La banque achète aussi une campagne à { $centre }, sur son site marocain
volume-demo-contract = contrat { $contract } sur { $sites }
volume-demo-report = { $centre } déclare neuf semaines de volumes : à partir de la cinquième, Nantes perd 60 % de son volume sans préavis tandis que Casablanca gagne autant ; les prévisions de la banque ne changent jamais
volume-demo-reported = { $received } intervalles reçus, { $stored } enregistrés
volume-demo-alerted = Le centre français de { $centre } est alerté du transfert de volume vers l'étranger
volume-demo-scorecard = Le comité consulte le tableau de bord de la banque, semaine par semaine
volume-demo-column = { $column ->
        [week] semaine
        [contacts] contacts
        [labelled] pérenne labellisé
        [on-time] préavis respectés
        [offshore] à l'étranger
       *[open] constats ouverts
    }
volume-demo-percent = { $percent } %
