namespace Slipway.Build.Recipes;

/// <summary>One problem in a recipe, naming the package and the field (as in slipway.yml) so it can be found.</summary>
public sealed record RecipeError(string Package, string Field, string Message)
{
    public override string ToString() => $"package '{Package}', {Field}: {Message}";
}

/// <summary>Thrown when recipes are invalid; <see cref="Errors"/> holds every problem found, not only the first.</summary>
public sealed class RecipeValidationException(IReadOnlyList<RecipeError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<RecipeError> Errors { get; } = errors;
}
