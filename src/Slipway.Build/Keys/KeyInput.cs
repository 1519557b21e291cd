namespace Slipway.Build.Keys;

/// <summary>
/// One named input of a content key, such as ("patch 0002-fix.patch", its SHA-256) or ("step 3", the command). Manifests
/// keep the whole ordered list, so two keys can be explained by diffing their inputs.
/// </summary>
public sealed record KeyInput(string Name, string Value);

/// <summary>The prefixes of input names; <see cref="Explain.InputDiff"/> reads them back.</summary>
public static class InputNames
{
    public const string Source = "source";
    public const string Patch = "patch ";
    public const string Step = "step ";
    public const string Env = "env ";
    public const string Platform = "platform ";
    public const string Tool = "tool ";
    public const string Dependency = "dependency ";

    /// <summary>The value recorded for an allowlisted variable that is not set (distinct from set to "").</summary>
    public const string Unset = "(unset)";
}
