using Slipway.Build.Keys;

namespace Slipway.Build.Explain;

/// <summary>One input that differs between two input lists; null on a side where it is absent.</summary>
public sealed record InputChange(string Name, string? Old, string? New);

/// <summary>
/// Why two keys differ, in plain words (pure): compares the named inputs of the newest artifact with the inputs a build
/// would use now, as nix-diff does for derivations, and names each differing input ("new commit abc1234→def5678",
/// "patch 0002-fix.patch changed", "step 3 changed", "env CC changed", "dependency libfoo rebuilt").
/// </summary>
public static class InputDiff
{
    /// <summary>Every input whose value differs, was added or was removed, in the order of the newer list then the older.</summary>
    public static IReadOnlyList<InputChange> Changes(IReadOnlyList<KeyInput> older, IReadOnlyList<KeyInput> newer)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        var old = older.ToDictionary(i => i.Name, i => i.Value, StringComparer.Ordinal);
        var current = newer.ToDictionary(i => i.Name, i => i.Value, StringComparer.Ordinal);
        var changes = new List<InputChange>();
        foreach (var input in newer)
        {
            var before = old.GetValueOrDefault(input.Name);
            if (before != input.Value)
            {
                changes.Add(new(input.Name, before, input.Value));
            }
        }

        changes.AddRange(older.Where(i => !current.ContainsKey(i.Name)).Select(i => new InputChange(i.Name, i.Value, null)));
        return changes;
    }

    /// <summary>The reasons, one per difference; empty when the inputs are the same. Patch order is its own reason.</summary>
    public static IReadOnlyList<string> Reasons(IReadOnlyList<KeyInput> older, IReadOnlyList<KeyInput> newer)
    {
        var reasons = Changes(older, newer).Select(Describe).ToList();
        if (reasons.Count == 0 && !PatchOrder(older).SequenceEqual(PatchOrder(newer), StringComparer.Ordinal))
        {
            reasons.Add("patch order changed");
        }

        if (reasons.Count == 0 && ContentKey.Compute(older) != ContentKey.Compute(newer))
        {
            reasons.Add("input order changed");
        }

        return reasons;
    }

    /// <summary>A one-line summary: "never built" without an earlier artifact, else the reasons joined.</summary>
    public static string Summary(IReadOnlyList<KeyInput>? older, IReadOnlyList<KeyInput> newer)
    {
        if (older is null)
        {
            return "never built";
        }

        var reasons = Reasons(older, newer);
        return reasons.Count == 0 ? "inputs unchanged" : string.Join(", ", reasons);
    }

    public static string Describe(InputChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var (name, old, @new) = change;
        var verb = old is null ? "added" : @new is null ? "removed" : "changed";
        if (name == InputNames.Source)
        {
            return DescribeSource(old, @new);
        }

        if (name.StartsWith(InputNames.Dependency, StringComparison.Ordinal))
        {
            var dependency = name[InputNames.Dependency.Length..];
            return verb == "changed" ? $"dependency {dependency} rebuilt" : $"dependency {dependency} {verb}";
        }

        if (name.StartsWith(InputNames.Platform, StringComparison.Ordinal) && old is not null && @new is not null)
        {
            return $"{name} changed ({old}→{@new})";
        }

        // Env values are not echoed: an allowlisted variable may still hold something private.
        return $"{name} {verb}";
    }

    private static string DescribeSource(string? old, string? @new)
    {
        var (oldKind, oldId) = SplitIdentity(old);
        var (newKind, newId) = SplitIdentity(@new);
        if (oldKind != newKind)
        {
            return $"source changed from {oldKind} to {newKind}";
        }

        return oldKind switch
        {
            "git" => $"new commit {Short(oldId)}→{Short(newId)}",
            "tarball" => $"new tarball {Short(oldId)}→{Short(newId)}",
            _ => "local source changed",
        };
    }

    private static (string Kind, string Id) SplitIdentity(string? identity)
    {
        var text = identity ?? "none";
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (text, text) : (text[..space], text[(space + 1)..]);
    }

    private static string Short(string id)
    {
        var colon = id.IndexOf(':', StringComparison.Ordinal);
        var hex = colon < 0 ? id : id[(colon + 1)..];
        return hex.Length > 7 ? hex[..7] : hex;
    }

    private static IEnumerable<string> PatchOrder(IReadOnlyList<KeyInput> inputs) =>
        inputs.Where(i => i.Name.StartsWith(InputNames.Patch, StringComparison.Ordinal)).Select(i => i.Name);
}
