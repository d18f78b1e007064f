from services.compliance.checks.main import main

main()
