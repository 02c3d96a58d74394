"""`{% filter_field form.q %}`: one field of a list page's GET filter form, written in Python.

The list pages render their filter form on every request. Through crispy (its field template,
then Django's widget templates, one include per <option>) the three fields of the application
list cost more than its 25 rows (docs/benchmarks.md, "pages"). This writes the markup
crispy-bootstrap5 writes for them (the label, the input or select with the same classes and
ARIA attributes, the errors under it) without a template. Filter forms use text-like inputs and
selects only; any other widget is refused, so a new filter field cannot render half right.
"""

from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

register = template.Library()


def _selected(value) -> set[str]:
    # As Select.format_value: None selects the "" choice, everything compares as text.
    values = value if isinstance(value, list | tuple) else [value]
    return {"" if v is None else str(v) for v in values}


def _control(field: forms.BoundField) -> str:
    widget = field.field.widget
    invalid = " is-invalid" if field.errors else ""
    if isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
        css = f"{type(widget).__name__.lower()} form-select{invalid}"
        attrs = field.build_widget_attrs({**widget.attrs, "class": css})
        attrs["id"] = field.auto_id
        chosen = _selected(field.value())
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, " selected" if str(value) in chosen else "", label)
                for value, label in field.field.choices
            ),
        )
        return format_html(
            "<select{}>{}</select>", flatatt({"name": field.html_name, **attrs}), options
        )
    if isinstance(widget, forms.TextInput):
        css = f"{type(widget).__name__.lower()} form-control{invalid}"
        attrs = field.build_widget_attrs({**widget.attrs, "class": css})
        attrs["id"] = field.auto_id
        head = {"type": widget.input_type, "name": field.html_name}
        value = widget.format_value(field.value())
        if value is not None:
            head["value"] = value
        return format_html("<input{}>", flatatt({**head, **attrs}))
    raise TypeError(f"filter_field: {type(widget).__name__} is not a filter widget")


@register.simple_tag
def filter_field(field: forms.BoundField) -> str:
    errors = format_html_join(
        "",
        '<p id="error_{}_{}"><strong>{}</strong></p>',
        ((n, field.auto_id, error) for n, error in enumerate(field.errors, 1)),
    )
    return format_html(
        '<div id="div_{id}" class="mb-3"><label for="{id}" class="form-label{required}">'
        "{label}</label>{control}{errors}</div>",
        id=field.auto_id,
        required=" requiredField" if field.field.required else "",
        label=field.label,
        control=_control(field),
        errors=format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>', field.auto_id, errors
        )
        if field.errors
        else "",
    )
