"""The core: dedupe, per-room queues, context, command routing, plugins, executor, scheduler."""
