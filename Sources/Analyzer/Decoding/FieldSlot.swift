/// What the scan of one record found for one order field: the type and place of the field's
/// last occurrence (with a key given twice the last one counts), checked only once the whole
/// value is known to be JSON, since `invalid-json` comes before every other reason. Kept
/// small, as eight of them are cleared for every record.
struct FieldSlot {
    /// The value's JSON type; `.absent` until the key is seen.
    var kind = JSONKind.absent
    /// For a string, whether it has escapes and must be unescaped before use.
    var escaped = false
    /// Offsets in the value of a string's content (between the quotes) or of a number's text.
    var start = 0
    var end = 0
}
