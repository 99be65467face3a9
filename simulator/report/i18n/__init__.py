"""Every word of the reports in Chinese and English, and the number and name formats of each."""
