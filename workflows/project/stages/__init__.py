"""One module per pipeline stage. Each stage is a coroutine over the project workflow's state
(`ProjectSteps`): it opens tasks, waits for decisions, writes steps and says what comes next."""
