"""Content: drafts and their approval, priority programs and campaign kits, publishing, the story
bank and the admin network."""
