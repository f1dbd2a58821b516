"""Small networks: a pipeline of layers run stage by stage, and training."""
