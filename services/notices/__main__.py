from services.notices.main import main

main()
