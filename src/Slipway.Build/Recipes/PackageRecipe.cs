namespace Slipway.Build.Recipes;

/// <summary>
/// One package to build: the typed form of a <c>build:</c> entry, so a config binder can fill it later. Lists are
/// ordered where order matters (patches, steps) and the key keeps that order.
/// </summary>
public sealed record PackageRecipe
{
    /// <summary>Letters, digits, '.', '_', '-' ; the name other packages use in <see cref="Depends"/>.</summary>
    public required string Name { get; init; }

    public required SourceSpec Source { get; init; }

    /// <summary>Patch files applied in this order, relative to the recipe directory or absolute.</summary>
    public IReadOnlyList<string> Patches { get; init; } = [];

    /// <summary>Shell commands run one after another in the source tree (with /bin/sh -e -c).</summary>
    public required IReadOnlyList<string> Steps { get; init; }

    /// <summary>Packages whose install prefixes this one builds against.</summary>
    public IReadOnlyList<string> Depends { get; init; } = [];

    /// <summary>Variables set for the steps with these values; all of them are part of the key.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Variables passed through from the builder's environment (e.g. CC, CFLAGS); their values, also "unset", are part of
    /// the key. Everything else in the builder's environment is withheld from the steps, except PATH and HOME.
    /// </summary>
    public IReadOnlyList<string> EnvAllowlist { get; init; } = [];

    /// <summary>Executables (names on PATH or absolute paths) whose bytes are part of the key, e.g. "gcc".</summary>
    public IReadOnlyList<string> Tools { get; init; } = [];

    /// <summary>The platform this package targets, "os-arch" (e.g. "linux-x64"); null: any. A mismatch refuses to build.</summary>
    public string? Platform { get; init; }
}
