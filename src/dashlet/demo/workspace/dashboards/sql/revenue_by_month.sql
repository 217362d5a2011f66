-- Revenue per month, with the same month a year earlier for comparison.
WITH monthly AS (
    SELECT date_trunc('month', order_date)::DATE AS month, SUM(amount) AS revenue
    FROM orders
    WHERE tenant_id = :TENANT AND status = 'completed'
        [[ AND region IN :REGION ]]
        [[ AND channel IN :CHANNEL ]]
    GROUP BY month
)
SELECT this_year.month, this_year.revenue, last_year.revenue AS previous_year
FROM monthly AS this_year
LEFT JOIN monthly AS last_year ON last_year.month = this_year.month - INTERVAL 1 YEAR
WHERE TRUE
    [[ AND this_year.month >= date_trunc('month', CAST(:START AS DATE)) ]]
    [[ AND this_year.month <= :END ]]
ORDER BY this_year.month
