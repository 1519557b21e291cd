using System.Text.RegularExpressions;

namespace Slipway.Build.Recipes;

/// <summary>Checks recipes on their own and against each other (pure); cycles are <see cref="BuildGraph"/>'s job.</summary>
public static partial class RecipeValidator
{
    public static IReadOnlyList<RecipeError> Validate(IReadOnlyList<PackageRecipe> recipes)
    {
        ArgumentNullException.ThrowIfNull(recipes);
        var errors = new List<RecipeError>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var recipe in recipes)
        {
            if (!names.Add(recipe.Name))
            {
                errors.Add(new(recipe.Name, "name", "is declared twice"));
            }
        }

        foreach (var recipe in recipes)
        {
            ValidateOne(recipe, names, errors);
        }

        return errors;
    }

    /// <summary>Throws <see cref="RecipeValidationException"/> listing every problem, if any.</summary>
    public static void ThrowIfInvalid(IReadOnlyList<PackageRecipe> recipes)
    {
        var errors = Validate(recipes);
        if (errors.Count > 0)
        {
            throw new RecipeValidationException(errors);
        }
    }

    private static void ValidateOne(PackageRecipe recipe, HashSet<string> names, List<RecipeError> errors)
    {
        void Error(string field, string message) => errors.Add(new(recipe.Name, field, message));

        if (!NamePattern().IsMatch(recipe.Name))
        {
            Error("name", "must be letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        ValidateSource(recipe.Source, Error);
        if (recipe.Steps.Count == 0)
        {
            Error("steps", "needs at least one step");
        }

        for (var i = 0; i < recipe.Steps.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(recipe.Steps[i]))
            {
                Error($"steps[{i + 1}]", "is empty");
            }
        }

        var patchNames = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < recipe.Patches.Count; i++)
        {
            var patch = recipe.Patches[i];
            if (string.IsNullOrWhiteSpace(patch))
            {
                Error($"patches[{i + 1}]", "is empty");
            }
            else if (!patchNames.Add(Path.GetFileName(patch)))
            {
                // Patches are named by file name in keys and explanations; two with one name could not be told apart.
                Error($"patches[{i + 1}]", $"file name '{Path.GetFileName(patch)}' is used twice");
            }
        }

        foreach (var dependency in recipe.Depends)
        {
            if (dependency == recipe.Name)
            {
                Error("depends", "a package cannot depend on itself");
            }
            else if (!names.Contains(dependency))
            {
                Error("depends", $"unknown package '{dependency}'");
            }
        }

        foreach (var name in recipe.Env.Keys.Concat(recipe.EnvAllowlist))
        {
            if (!EnvNamePattern().IsMatch(name))
            {
                Error("env", $"'{name}' is not a valid environment variable name");
            }
            else if (ReservedEnv.Contains(name))
            {
                Error("env", $"'{name}' is set by the builder");
            }
        }

        foreach (var duplicate in recipe.Env.Keys.Intersect(recipe.EnvAllowlist, StringComparer.Ordinal))
        {
            Error("env", $"'{duplicate}' is both set and passed through");
        }

        foreach (var tool in recipe.Tools)
        {
            if (string.IsNullOrWhiteSpace(tool))
            {
                Error("tools", "has an empty entry");
            }
        }

        if (recipe.Platform is { } platform && !PlatformPattern().IsMatch(platform))
        {
            Error("platform", $"'{platform}' is not of the form os-arch (e.g. linux-x64)");
        }
    }

    private static void ValidateSource(SourceSpec source, Action<string, string> error)
    {
        switch (source.Kind)
        {
            case SourceKind.Git:
                Require(source.Url, "source.git", error);
                Require(source.Ref, "source.ref", error);
                Forbid(source.Sha256, "source.sha256", "git", error);
                Forbid(source.Path, "source.path", "git", error);
                break;
            case SourceKind.Tarball:
                Require(source.Url, "source.tarball", error);
                if (source.Sha256 is null || !Sha256Pattern().IsMatch(source.Sha256))
                {
                    error("source.sha256", "must be 64 hex digits (the SHA-256 of the tarball)");
                }

                Forbid(source.Ref, "source.ref", "tarball", error);
                Forbid(source.Path, "source.path", "tarball", error);
                break;
            case SourceKind.Local:
                Require(source.Path, "source.path", error);
                Forbid(source.Url, "source.url", "local path", error);
                Forbid(source.Ref, "source.ref", "local path", error);
                Forbid(source.Sha256, "source.sha256", "local path", error);
                break;
            default:
                error("source", $"unknown kind {source.Kind}");
                break;
        }
    }

    private static void Require(string? value, string field, Action<string, string> error)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            error(field, "is required");
        }
    }

    private static void Forbid(string? value, string field, string kind, Action<string, string> error)
    {
        if (value is not null)
        {
            error(field, $"does not apply to a {kind} source");
        }
    }

    private static readonly HashSet<string> ReservedEnv = new(StringComparer.Ordinal) { "PREFIX", "JOBS", "PATH", "HOME" };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvNamePattern();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex("^[a-z0-9]+-[a-z0-9_]+$")]
    private static partial Regex PlatformPattern();
}
