"""Which unit handles a case: routing rules by category and ward, city-wide rules, the
category's own unit, and the People's Committee of the case's ward.

Order: a rule for (category, this ward), else the city-wide rule of the category, else the
category's unit. A rule `to_ward` means the ward's own unit; with the ward unknown (or no unit
for it) the case goes to the generic ward unit ("UBND phường, xã"), where staff route it.
"""
from ..models import Department, RoutingRule, utcnow

GENERIC_WARD = "ward"


def ward_unit(area_code):
    """The ward's own unit (its People's Committee), or None."""
    if not area_code:
        return None
    return Department.get_or_none(Department.area_code == str(area_code))


def rule_for(category_id, area_code):
    """The rule that decides for this category in this ward: the ward's own, else city-wide."""
    rules = {r.area_code: r for r in RoutingRule.select().where(
        (RoutingRule.category == category_id)
        & (RoutingRule.area_code.is_null() | (RoutingRule.area_code == str(area_code or ""))))}
    return (rules.get(str(area_code)) if area_code else None) or rules.get(None)


def unit_for(category, area_code):
    """The Department that handles a case of `category` at ward `area_code` (may be None)."""
    rule = rule_for(category.id, area_code)
    if rule is None:
        return category.department
    if not rule.to_ward:
        return rule.department
    return ward_unit(area_code) or Department.get_or_none(Department.slug == GENERIC_WARD)


# --- what admins change ---------------------------------------------------------------------

WARD_TARGET = "ward"  # a form's value for "the People's Committee of the case's ward"


def set_rule(category, area_code, target):
    """Make (category, ward or city-wide when `area_code` is None) go to `target`: a
    Department, WARD_TARGET, or None to drop the rule (city-wide: back to the category's unit).
    Returns the rule, or None when dropped."""
    area_code = str(area_code) if area_code else None
    existing = RoutingRule.get_or_none(
        (RoutingRule.category == category)
        & (RoutingRule.area_code.is_null() if area_code is None
           else RoutingRule.area_code == area_code))
    if target is None:
        if existing is not None:
            existing.delete_instance()
        return None
    rule = existing or RoutingRule(category=category, area_code=area_code)
    rule.to_ward = target == WARD_TARGET
    rule.department = None if rule.to_ward else target
    rule.updated_at = utcnow()
    rule.save()
    return rule


def table():
    """Every category's city-wide rule (or None) and the ward rules: ({category id: rule},
    [rule, ...] ordered by ward and category)."""
    city, wards = {}, []
    for rule in RoutingRule.select().order_by(RoutingRule.area_code, RoutingRule.category):
        if rule.area_code is None:
            city[rule.category_id] = rule
        else:
            wards.append(rule)
    return city, wards
