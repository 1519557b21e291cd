using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Slipway.Build.Recipes;

namespace Slipway.Build.Keys;

/// <summary>A package's key and the named inputs that made it.</summary>
public sealed record PackageKey(string Key, IReadOnlyList<KeyInput> Inputs);

/// <summary>
/// Content keys (pure). The key is a SHA-256 over the ordered, named inputs, each length-prefixed so that no two input
/// lists encode alike. Nothing in it depends on where or when the build runs: no timestamps and no checkout paths, so
/// two clones in different directories or machines compute the same keys (the failure bazel#2998 and ccache#166 report).
/// </summary>
public static class ContentKey
{
    /// <summary>Bumped when the encoding or the set of inputs changes, so old artifacts are never mistaken for new.</summary>
    public const string Version = "slipway-build-key-v1";

    public static PackageKey For(PackageRecipe recipe, ResolvedInputs resolved, IReadOnlyDictionary<string, string> dependencyKeys)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(resolved);
        ArgumentNullException.ThrowIfNull(dependencyKeys);
        var inputs = new List<KeyInput> { new(InputNames.Source, resolved.SourceIdentity) };
        // Patch and step order matter (a later patch may build on an earlier one), so both keep recipe order.
        inputs.AddRange(resolved.Patches.Select(p => new KeyInput(InputNames.Patch + p.FileName, p.Sha256)));
        inputs.AddRange(recipe.Steps.Select((step, i) =>
            new KeyInput(InputNames.Step + (i + 1).ToString(CultureInfo.InvariantCulture), step)));
        inputs.AddRange(resolved.Env.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new KeyInput(InputNames.Env + e.Key, e.Value ?? InputNames.Unset)));
        inputs.Add(new(InputNames.Platform + "os", resolved.Platform.Os));
        inputs.Add(new(InputNames.Platform + "release", resolved.Platform.Release));
        inputs.Add(new(InputNames.Platform + "arch", resolved.Platform.Arch));
        inputs.Add(new(InputNames.Platform + "libc", resolved.Platform.Libc));
        inputs.AddRange(resolved.ToolDigests.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new KeyInput(InputNames.Tool + t.Key, t.Value)));
        foreach (var dependency in recipe.Depends.Order(StringComparer.Ordinal))
        {
            if (!dependencyKeys.TryGetValue(dependency, out var key))
            {
                throw new InvalidOperationException($"the key of dependency '{dependency}' of '{recipe.Name}' is not known yet");
            }

            inputs.Add(new(InputNames.Dependency + dependency, key));
        }

        return new PackageKey(Compute(inputs), inputs);
    }

    /// <summary>The key of an input list: also used to check that a manifest's inputs still produce its key.</summary>
    public static string Compute(IReadOnlyList<KeyInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, Version);
        foreach (var input in inputs)
        {
            Append(hash, input.Name);
            Append(hash, input.Value);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
