from services.labels.main import main

main()
