from photo_score_cloud.cli import main

main()
