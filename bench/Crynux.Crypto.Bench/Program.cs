// Arrives with the foundation issue.
return 0;
