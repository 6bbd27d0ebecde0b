// Arrives with the devnet issue.
return 0;
