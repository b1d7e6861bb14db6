import LocalCounsel
// Filled in by the sessions work: shows how another Swift tool embeds LocalCounsel.
print(ModelLocator.defaultModelName)
