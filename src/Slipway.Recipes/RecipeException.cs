namespace Slipway.Recipes;

/// <summary>A configuration the loader accepted but a recipe cannot render; the message says what to change.</summary>
public sealed class RecipeException : Exception
{
    public RecipeException()
    {
    }

    public RecipeException(string message)
        : base(message)
    {
    }

    public RecipeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
