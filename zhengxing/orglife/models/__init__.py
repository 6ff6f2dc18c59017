"""Organisation life's rows, one module per subject: meetings and sign-in, learning,
commitments (三亮), democratic appraisal, the board of chances to serve, the points supermarket."""
