"""The decision page (placeholder)."""
def decision_pages(doc, res):
    pass
