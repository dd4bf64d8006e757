"""The hostile corpus: inputs written as an attacker would, and what agentport must do with them."""
