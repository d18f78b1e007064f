# La délocalisation : du volume qui quitte les centres du périmètre national pendant qu'il
# croît sur des sites à l'étranger, et les contrats et appels d'offres qui l'ouvrent
# (services/rules/offshoring.py). Les pays sont désignés par leur code ISO 3166-1 (FR, MA, TN).

## Transfert et dérive lente du volume vers l'étranger (offshoring_shift, offshoring_drift)

# Une fenêtre de semaines ISO comparée à une autre.
offshoring-window = { $weeks ->
        [one] la semaine { $last }
       *[other] les semaines { $first } à { $last }
    }
# Le périmètre national par défaut.
offshoring-onshore-france = France, départements et régions d'outre-mer compris
offshoring-movement-summary = { $key } : volume national en baisse de { $fall_percent } % tandis que le volume à l'étranger augmente de { $rise } { $rise ->
        [one] contact
       *[other] contacts
    } ({ $countries }), sur { $after } contre { $before }.
offshoring-shift-explanation = Sur { $after }, { $key } a traité { $onshore_after } { $onshore_after ->
        [one] contact
       *[other] contacts
    } sur les sites du périmètre national ({ $where }) contre { $onshore_before } sur { $before }, soit { $fall } de moins (−{ $fall_percent } %), tandis que ses sites à l'étranger en traitaient { $offshore_after } contre { $offshore_before }, soit { $rise } de plus ({ $countries }) : du volume quitte les centres nationaux pour des sites à l'étranger. Seuils fixés par le comité : une baisse nationale d'au moins { $min_shift } % et une hausse à l'étranger d'au moins { $ratio } fois cette baisse.
offshoring-drift-explanation = Sur { $after }, { $key } a traité { $onshore_after } { $onshore_after ->
        [one] contact
       *[other] contacts
    } sur les sites du périmètre national ({ $where }) contre { $onshore_before } sur { $before }, soit { $fall } de moins (−{ $fall_percent } %), tandis que ses sites à l'étranger en traitaient { $offshore_after } contre { $offshore_before }, soit { $rise } de plus ({ $countries }) : du volume quitte les centres nationaux pour des sites à l'étranger, par une dérive lente sur { $span } semaines. Seuils fixés par le comité : une baisse nationale d'au moins { $min_shift } % et une hausse à l'étranger d'au moins { $ratio } fois cette baisse.
# L'alerte d'un centre du périmètre national dont le volume part à l'étranger ; $finding est le résumé du constat.
offshoring-alert-summary = Délocalisation : { $finding }

## Avenant ouvrant des sites à l'étranger (offshore_amendment)

offshoring-amendment-summary = Contrat { $contract } : un avenant ajoute des sites à l'étranger ({ $countries }).
offshoring-amendment-explanation = Un avenant du contrat { $contract } ajoute des sites hors du périmètre national ({ $onshore }), dans les pays suivants : { $countries }. Ce travail peut ainsi partir à l'étranger, hors de portée des engagements du label.
offshoring-amendment-moving-explanation = Un avenant du contrat { $contract } ajoute des sites hors du périmètre national ({ $onshore }), dans les pays suivants : { $countries } ; il retire en outre les sites du contrat situés en { $dropped }. Ce travail peut ainsi partir à l'étranger, hors de portée des engagements du label.

## Appel d'offres pérenne ouvert à l'étranger (offshore_allowed_perennial)

offshoring-perennial-summary = L'appel d'offres pérenne { $tender } autorise des sites à l'étranger ({ $countries }).
offshoring-perennial-explanation = L'appel d'offres pérenne { $tender } autorise des sites hors du périmètre national ({ $onshore }), dans les pays suivants : { $countries }. Cette activité pérenne, pour laquelle le label demande de privilégier les centres labellisés, peut ainsi partir à l'étranger, hors de portée du label.
offshoring-perennial-any-summary = L'appel d'offres pérenne { $tender } autorise des sites dans tout pays, y compris à l'étranger.
offshoring-perennial-any-explanation = L'appel d'offres pérenne { $tender } ne restreint pas les pays de ses sites : il autorise des sites hors du périmètre national ({ $onshore }). Cette activité pérenne, pour laquelle le label demande de privilégier les centres labellisés, peut ainsi partir à l'étranger, hors de portée du label.

## La citation

reference-offshoring-committee = Règle du comité du label sur la délocalisation, dont le comité fixe les seuils (le texte du label ne comporte pas de clause sur la délocalisation) ; Label Responsabilité Sociale, 1er et 2e engagements des donneurs d'ordre : préférence pour les centres labellisés sur les activités pérennes, pas de pratiques d'achat contraires à la responsabilité sociale.
