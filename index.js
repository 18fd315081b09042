// n8n loads this package through the "n8n" section of package.json (the built files in dist/);
// nothing is exported here, and this file is not shipped (package.json has no "main").
module.exports = {};
