from services.contracts.main import main

main()
