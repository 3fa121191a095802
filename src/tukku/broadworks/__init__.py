"""Moving hosted-PBX (BroadWorks) enterprises onto tukku: the extract, the plan, the run."""
