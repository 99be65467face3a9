"""PDF reports for capsim: charts and tables with a bundled Chinese font."""
