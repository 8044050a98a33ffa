print("lstm")
